"""The pieces of the registry reader, :mod:`careprotect.io`, by subject: lines of JSON Lines
(:mod:`~careprotect.reading.lines`), records, rejections and counts
(:mod:`~careprotect.reading.records`), JSON documents (:mod:`~careprotect.reading.document`),
writing (:mod:`~careprotect.reading.writing`) and the parts of a registry that worker
processes read (:mod:`~careprotect.reading.parts`). Import the public names from
:mod:`careprotect.io`."""
