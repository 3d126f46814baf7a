"""Rules as code: rule packs (TOML, every number cited) loaded into frozen typed models."""
