from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .selectors import notifications_for
from .services import notification_mark_read


@login_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "activity/notification_list.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notification, user=request.user)
    if notification.entry.area_id:
        return redirect(notification.entry.area.get_absolute_url())
    return redirect("activity:notifications")
