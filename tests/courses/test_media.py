"""Media files: the intrinsic size of an image, read from its header."""
from courses.packages.media import image_size

# A PNG header of 64 × 32 pixels.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x40\x00\x00\x00\x20\x08\x02\x00\x00\x00" + b"\x00" * 40


def test_a_png_size_is_read_from_its_header():
    assert image_size(PNG, "image/png") == (64, 32)


def test_an_svg_size_is_read_from_its_attributes():
    assert image_size(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80"></svg>', "image/svg+xml") == (120, 80)
