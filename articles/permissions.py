"""The "Editors" group: exactly the rights the correction workflow needs, and nothing that deletes archive data."""

from __future__ import annotations

EDITORS_GROUP = "Editors"

EDITOR_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "articles": {
        "article": ["view", "change"],
        "articlecredit": ["view", "add", "change", "delete"],
        "photo": ["view", "change"],
        "reporter": ["view", "add", "change"],
        "issue": ["view", "change"],
        "page": ["view", "change"],
        "dictionaryword": ["view", "add", "change", "delete"],
    },
    "importer": {"importrun": ["view"], "importevent": ["view"]},
}


def ensure_editors_group(apps):
    """Create or update the group; ``apps`` is a migration's app registry or ``django.apps.apps``."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True  # create_permissions skips apps it thinks have no models
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_models
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    # an early migration runs this before later models exist: their rights come with their own migration
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
        for app, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        if _model_exists(apps, app, model)
        for action in actions
    ]
    group.permissions.set(permissions)
    return group


def _model_exists(apps, app_label: str, model_name: str) -> bool:
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
