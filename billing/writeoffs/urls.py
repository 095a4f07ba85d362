app_name = "writeoffs"

urlpatterns = []
