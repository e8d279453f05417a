"""The talent library (人才库) and technical mentors (校企双聘): researcher profiles with research
directions and fields, their patents and achievements, and one-to-one consulting requested by an
enterprise, approved by the TTO with the consent of the professor's own unit, with its sessions
and outcomes."""
