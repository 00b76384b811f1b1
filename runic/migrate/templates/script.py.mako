"""${doc_message}

Revision ID: ${up_revision}
Revises: ${down_revision}
Create Date: ${create_date}
"""

from datetime import UTC, datetime
from typing import Any

message = ${repr(message)}
create_date = datetime.fromisoformat(${repr(create_date.isoformat())})

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels: list[str] = ${repr(branch_labels)}
depends_on: list[str] = ${repr(depends_on)}
irreversible = False  # True: 'runic downgrade' refuses to undo this revision without --force
snapshot = False  # True (FalkorDB): copy the graph first and restore the copy if upgrade fails


def upgrade(op: Any) -> None:
${upgrade_body}


def downgrade(op: Any) -> None:
${downgrade_body}
