"""Cross-cutting helpers with no domain state: ID numbers, normalisation, masking, pinyin, money, audit."""
