"""Survey definitions are edited in the admin (choice sets, item lists, questions), audited and
never deleted (answers point at them); a survey's status moves only through the services.
Invitations and responses are view only, since they change only through the services. Each
model's rule is in core/admin_audit.py."""

from django.contrib import admin

from core.admin_audit import GuardedModelAdmin, GuardedStackedInline, GuardedTabularInline

from .models import Choice, ChoiceSet, Invitation, Item, ItemList, Question, Response, Survey


class ChoiceInline(GuardedTabularInline):
    model = Choice


@admin.register(ChoiceSet)
class ChoiceSetAdmin(GuardedModelAdmin):
    inlines = [ChoiceInline]


class ItemInline(GuardedTabularInline):
    model = Item


@admin.register(ItemList)
class ItemListAdmin(GuardedModelAdmin):
    inlines = [ItemInline]


class QuestionInline(GuardedStackedInline):
    model = Question
    fk_name = "survey"
    filter_horizontal = ["shown_when"]


@admin.register(Survey)
class SurveyAdmin(GuardedModelAdmin):
    list_display = ["title", "round", "audience", "status", "closes_on"]
    list_filter = ["round", "audience", "status"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(GuardedModelAdmin):
    list_display = ["email", "survey", "area", "invited_at", "opened_at", "answered_at"]
    list_filter = ["survey"]
    exclude = ["nonce"]


@admin.register(Response)
class ResponseAdmin(GuardedModelAdmin):
    list_display = ["invitation", "status", "sent_at"]
