"""Course packages (``vigil-course/1``): a course as one YAML file plus its media.

The package format (docs/course-package.md) is how content moves between platforms and
how faculty author offline. ``importer`` reads and validates a package and writes a
draft; ``exporter`` writes a version back out; both share the same canonical dict form
(``serialize``), so an export re-imports to the same content byte for byte.
"""
