"""Challenge use cases: publishing and answering (揭榜), selection, the one-step open-licence
answer, and the sealed cooperation agreement with its milestones."""

from openlicense.challenges.service.cooperation import CooperationService
from openlicense.challenges.service.publishing import ChallengeService

__all__ = ["ChallengeService", "CooperationService"]
