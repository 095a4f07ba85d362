app_name = "collections"

urlpatterns = []
