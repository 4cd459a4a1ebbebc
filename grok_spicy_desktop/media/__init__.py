"""FFmpeg location, probing, frame extraction, normalization, assembly and export (no Qt)."""
