"""The real catalog (seed/catalog.yml) as domain objects, loaded through the fakes."""
from functools import lru_cache

import yaml

from quickconnect import config
from quickconnect.service_layer.seed import seed_catalog

from .fakes import FakeUnitOfWork


@lru_cache(maxsize=1)
def real_catalog():
    uow = FakeUnitOfWork()
    seed_catalog(uow, yaml.safe_load((config.SEED_DIR / "catalog.yml").read_text()), lambda _line: None)
    return uow.repo.catalog()
