"""Standard codes: wilayah, KBLI 2020, HS 2022, countries, certificates, PP 7/2021 patterns."""
