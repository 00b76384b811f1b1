"""Filter, ordering and aggregate expressions of the query builder.

They are defined in ``runic.ogm.core.expressions`` (a model's field operators build them,
and the model layer sits below the query layer); this module keeps every public name
where the query builder's users import them.
"""

from runic.ogm.core import expressions as _defined_in
from runic.ogm.core.expressions import *

__all__ = list(_defined_in.__all__)
