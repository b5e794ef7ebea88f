"""The application's one error type: what went wrong, in words a person can read."""


class WorkflowError(Exception):
    """Raised by services. ``messages`` are Vietnamese sentences, ready to show."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)

    def __str__(self) -> str:
        return " ".join(self.messages)
