"""揭榜挂帅 challenges: published from a need (or by an authority), answered by university teams
with a proposal and a team, shortlisted and selected by the publisher, and closed by a sealed
cooperation agreement drawn from the guideline's clause library (the same library and seal as
open licences), with milestones tracked to completion. A challenge met by an existing open
licence is answered by pointing to it and accepted in one step (agreements.AcceptanceService)."""
