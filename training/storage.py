"""The private storage as the models see it, and what the media view needs to know of a
storage (``training.storage_settings`` says where files live)."""
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up at first use and again after the setting changes: a
    model field keeps the object its storage callable returned at import, so it must be this
    proxy, as ``default_storage`` is for the default one."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def is_folder(storage) -> bool:
    """Whether the storage is a folder of this machine, which a web server may serve itself."""
    return isinstance(storage, FileSystemStorage)
