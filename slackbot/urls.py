"""URL routes for this app."""
urlpatterns = []
