"""Text that admin saves stored with CRLF (a browser's textarea encoding) gets LF, as every write now stores.

Only editor-editable text is touched: a page's raw text stays verbatim, and history rows stay as recorded.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

TEXT_FIELDS = {
    "article": ["headline", "kicker", "subheadline", "body"],
    "photo": ["caption"],
    "page": ["number", "section"],
    "issue": ["paper", "edition"],
}


def lf_only(field):
    return Replace(Replace(field, Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))


def normalise(apps, schema_editor):
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("articles", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}__contains": "\r"}).update(**{field: lf_only(field)})


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_editors_change_issues")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
