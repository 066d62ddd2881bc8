"""App config for the site search: connects the receivers that keep the stored search documents current."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import indexing

        post_save.connect(indexing.on_save, dispatch_uid="search_document_save")
        pre_delete.connect(indexing.before_delete, dispatch_uid="search_document_before_delete")
        post_delete.connect(indexing.on_delete, dispatch_uid="search_document_delete")
