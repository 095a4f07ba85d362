app_name = "shutoffs"

urlpatterns = []
