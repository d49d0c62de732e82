from django.contrib import admin
from django_celery_results.admin import GroupResultAdmin as BaseGroupResultAdmin
from django_celery_results.admin import TaskResultAdmin as BaseTaskResultAdmin
from django_celery_results.models import GroupResult, TaskResult

from core.admin_audit import GuardedAdminMixin, GuardedModelAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(GuardedModelAdmin):
    """Read-only (core/admin_audit.py): the outbox is written by services and emptied by
    the dispatcher."""

    list_display = ["created_at", "task", "args", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "task"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


# Celery's task results (django-celery-results), registered again with the project's rule in
# front: view only.
for _model in (TaskResult, GroupResult):
    admin.site.unregister(_model)


@admin.register(TaskResult)
class TaskResultAdmin(GuardedAdminMixin, BaseTaskResultAdmin):
    pass


@admin.register(GroupResult)
class GroupResultAdmin(GuardedAdminMixin, BaseGroupResultAdmin):
    pass
