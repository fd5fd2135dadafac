"""Routes of incoming webhooks: fetch, delete, execute, and their messages (also those of
interaction tokens, which discord.py reaches through the webhook routes)."""

from __future__ import annotations

from .common import MESSAGE_TYPE_CHAT_INPUT_COMMAND, JsonObject, _ApiError, _Reply
from .records import FakeWebhook, _Interaction, _Request


class _WebhookRoutes:
    """``/webhooks/{webhook_id}/{webhook_token}`` and its messages."""

    def _webhook_payload(self, webhook: FakeWebhook, *, with_token: bool) -> JsonObject:
        payload: JsonObject = {
            "id": str(webhook.id),
            "type": 1,
            "name": webhook.name,
            "avatar": None,
            "channel_id": str(webhook.channel_id),
            "guild_id": str(webhook.guild_id),
            "application_id": None,
            "user": self._bot_user(),
        }
        if with_token:
            payload["token"] = webhook.token
            payload["url"] = webhook.url
        return payload

    def _resolve_webhook(self, req: _Request) -> FakeWebhook | _Interaction:
        webhook_id = req.int_param("webhook_id")
        token = req.params.get("webhook_token")
        if webhook_id == self.application_id and token is not None:
            for interaction in self._interactions.values():
                if interaction.token == token:
                    return interaction
            raise _ApiError(404, "Unknown Webhook", 10015)
        webhook = self.webhooks.get(webhook_id)
        if webhook is None:
            raise _ApiError(404, "Unknown Webhook", 10015)
        if token is not None and token != webhook.token:
            raise _ApiError(401, "Invalid Webhook Token", 50027)
        return webhook

    async def _get_webhook(self, req: _Request) -> _Reply:
        target = self._resolve_webhook(req)
        if isinstance(target, _Interaction):
            raise _ApiError(404, "Unknown Webhook", 10015)
        return _Reply(200, self._webhook_payload(target, with_token=True))

    async def _delete_webhook(self, req: _Request) -> _Reply:
        target = self._resolve_webhook(req)
        if isinstance(target, _Interaction):
            raise _ApiError(404, "Unknown Webhook", 10015)
        self.delete_webhook(target.id)
        return _Reply(204)

    async def _execute_webhook(self, req: _Request) -> _Reply:
        target = self._resolve_webhook(req)
        payload = req.body()
        if isinstance(target, _Interaction):
            if not target.acknowledged:
                raise _ApiError(404, "Unknown Webhook", 10015)
            self._check_message_payload(payload, req.files, webhook=True)
            message = self._build_message(
                target.channel_id,
                payload,
                req.files,
                author=self._bot_user(),
                webhook_id=self.application_id,
                interaction=target,
                message_type=MESSAGE_TYPE_CHAT_INPUT_COMMAND,
            )
            return _Reply(200, self._public(self._store_message(message)))

        channel_id = target.channel_id
        thread_id = req.query.get("thread_id")
        if thread_id:
            if not thread_id.isdigit():
                raise _ApiError(
                    400,
                    "Invalid Form Body",
                    50035,
                    errors={
                        "thread_id": {
                            "_errors": [
                                {"code": "NUMBER_TYPE_COERCE", "message": "Value is not snowflake."}
                            ]
                        }
                    },
                )
            channel_id = int(thread_id)
            self._channel(channel_id)
        if not req.flag("with_components"):  # ignored unless asked for, as Discord does
            payload = {k: v for k, v in payload.items() if k != "components"}
        self._check_message_payload(payload, req.files, webhook=True, interactive=False)
        message = self._build_message(
            channel_id,
            payload,
            req.files,
            author=self._webhook_user(target, payload.get("username")),
            webhook_id=target.id,
        )
        self._store_message(message)
        if req.flag("wait"):
            return _Reply(200, self._public(message))
        return _Reply(204)

    def _webhook_message(self, req: _Request) -> JsonObject:
        target = self._resolve_webhook(req)
        raw_id = req.path.rsplit("/", 1)[1]
        if raw_id == "@original":
            if not isinstance(target, _Interaction) or target.original_message_id is None:
                raise _ApiError(404, "Unknown Message", 10008)
            message_id = target.original_message_id
        else:
            message_id = int(raw_id)
        message = self._message_index.get(message_id)
        owner = self.application_id if isinstance(target, _Interaction) else target.id
        components_own = isinstance(target, _Interaction) and message_id == target.message_id
        if message is None or (message.get("webhook_id") != str(owner) and not components_own):
            raise _ApiError(404, "Unknown Message", 10008)
        thread_id = req.query.get("thread_id")
        if thread_id and message["channel_id"] != thread_id:
            raise _ApiError(404, "Unknown Message", 10008)
        return message

    async def _get_webhook_message(self, req: _Request) -> _Reply:
        return _Reply(200, self._public(self._webhook_message(req)))

    async def _edit_webhook_message(self, req: _Request) -> _Reply:
        message = self._webhook_message(req)
        payload = req.body()
        owned = self._resolve_webhook(req)
        if not isinstance(owned, _Interaction) and not req.flag("with_components"):
            payload = {k: v for k, v in payload.items() if k != "components"}
        return _Reply(200, self._public(self._edit_stored_message(message, payload, req.files)))

    async def _delete_webhook_message(self, req: _Request) -> _Reply:
        self._delete_stored_message(self._webhook_message(req))
        return _Reply(204)
