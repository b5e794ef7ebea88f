from django.contrib import admin, messages

from workflow.errors import WorkflowError

from .models import Notification, Status
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for looking into a delivery. Rows are written by services only."""

    list_display = ["created_at", "kind", "subject", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "email", "user__username", "dedupe_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description="Người nhận")
    def recipient(self, obj: Notification) -> str:
        return obj.recipient_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Gửi lại các thông báo gửi không thành công đã chọn")
    def retry_failed(self, request, queryset):
        retried = 0
        for notification in queryset.filter(status=Status.FAILED):
            try:
                notification_retry(notification=notification, actor=request.user)
            except WorkflowError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return
            retried += 1
        self.message_user(request, f"Đã đưa {retried} thông báo vào hàng đợi gửi lại.")
