"""Survey definitions are edited in the admin (choice sets, item lists, questions); invitations
and responses are read-only there, since they change only through the services."""

from django.contrib import admin

from .models import Choice, ChoiceSet, Invitation, Item, ItemList, Question, Response, Survey


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(ChoiceSet)
class ChoiceSetAdmin(admin.ModelAdmin):
    inlines = [ChoiceInline]


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0


@admin.register(ItemList)
class ItemListAdmin(admin.ModelAdmin):
    inlines = [ItemInline]


class QuestionInline(admin.StackedInline):
    model = Question
    fk_name = "survey"
    extra = 0
    filter_horizontal = ["shown_when"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "round", "audience", "status", "closes_on"]
    list_filter = ["round", "audience", "status"]
    inlines = [QuestionInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "survey", "area", "invited_at", "opened_at", "answered_at"]
    list_filter = ["survey"]
    exclude = ["nonce"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "status", "sent_at"]
