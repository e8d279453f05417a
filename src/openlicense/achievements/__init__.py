"""The achievements library (成果库): a university's non-patent results (know-how, software, new
plant varieties, prototypes) with their maturity, optional terms under the same fee standards as
open licences, and a half-year review. Owns no patent and no agreement."""
