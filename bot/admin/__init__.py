"""Admin slash commands on Telegram and Discord, as thin handlers over one shared service."""
