from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("issues", views.IssueViewSet, basename="issue")
router.register("pages", views.PageViewSet, basename="page")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("photos", views.PhotoViewSet, basename="photo")
router.register("reporters", views.ReporterViewSet, basename="reporter")

urlpatterns = router.urls
