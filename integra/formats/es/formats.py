"""Spanish as written in Peru (the clinic's Lima): a decimal point and comma grouping
("1,234.50", as Babel's es_PE writes amounts), where Django's Spanish uses a comma."""

from django.conf.locale.es.formats import *  # noqa: F403 - Django's Spanish, then ours

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
