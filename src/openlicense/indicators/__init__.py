"""The 千校万企 indicators for provincial authorities (and IP offices and the platform): by
quarter, half year or year, for one province or all — universities taking part, enterprises
served per university (with the 10-enterprise threshold), needs posted and met, challenges
answered, licences and cooperation agreements made, money paid, trials converted — with an XLSX
export. Read-only: it owns no table."""
