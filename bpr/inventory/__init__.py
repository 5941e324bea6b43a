"""The inventory: format v1 models, positioned YAML loading and validation rules."""
