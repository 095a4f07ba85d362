app_name = "arrangements"

urlpatterns = []
