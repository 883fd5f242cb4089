"""The Content-Security-Policy in a real Chromium: the admin (login, a change list, the workbench with its
nonce-carrying script), Swagger UI and ReDoc render and work with not one violation reported.

Violations are caught twice: the browser's console messages and the page's own ``securitypolicyviolation``
events (a listener Playwright injects before any page script runs). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import pytest

from articles.models import Article
from tests.browser.test_admin_in_chromium import ARTIFACTS, browser_page  # noqa: F401 (a fixture)
from tests.browser.test_editing_in_chromium import _log_in, editor_with_password  # noqa: F401 (a fixture)
from tests.conftest import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile);
});
"""


def violations(page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__cspViolations || []")


def test_the_admin_and_the_api_documentation_work_under_the_policy(live_server, browser_page, editor_with_password):  # noqa: F811
    from importer.services import issues_import_batch

    assert not issues_import_batch(paths=[SEEDS[4]]).failed
    page = browser_page
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(LISTEN)

    response = page.goto(f"{live_server.url}/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#id_username")
    page.screenshot(path=str(ARTIFACTS / "csp-admin-login.png"))
    assert violations(page, console) == []

    _log_in(page, live_server, editor_with_password)
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.wait_for_selector("#result_list")
    page.click("#action-toggle")  # the admin's own scripts run: every row ticked
    assert page.locator("tr.selected").count() > 0
    page.screenshot(path=str(ARTIFACTS / "csp-admin-changelist.png"))
    assert violations(page, console) == []

    article = Article.objects.filter(page__index=1).order_by("order").first()
    response = page.goto(f"{live_server.url}/admin/articles/page/{article.page_id}/workbench/")
    assert "'nonce-" in response.headers["content-security-policy"]
    page.locator(f'#raw .seg[data-article="{article.pk}"]').first.click()  # the inline script selects it
    assert violations(page, console) == []
    page.wait_for_selector(f"#article-{article.pk}.selected")
    page.screenshot(path=str(ARTIFACTS / "csp-workbench.png"))
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "csp-swagger-ui.png"))
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector("h1", timeout=30_000)
    page.wait_for_selector("[data-section-id]", timeout=30_000)  # the operations, parsed in ReDoc's worker
    page.screenshot(path=str(ARTIFACTS / "csp-redoc.png"))
    assert violations(page, console) == []
