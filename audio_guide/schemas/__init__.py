"""JSON Schemas of routine, profile and point files (built by ``audio_guide.authoring.schema``)."""
