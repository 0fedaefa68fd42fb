"""What counts as a letter in a name: a Thai letter or a Latin one (with its accented and
extended forms). A person's name as on a Thai ID card or a passport is written in one of the
two scripts, so a name needs at least one such letter (other characters may stand beside it).

Written out as code point ranges (one class of a regular expression) because the API's
document states the same class in a JSON Schema ``pattern``: the server and any client
generated from the document agree on every character.
"""

from __future__ import annotations

#: Latin: A–Z, a–z, ª µ º, À–Ö, Ø–ö, ø–ɏ (Latin-1 letters, Extended-A and -B), Ḁ–ỿ (Extended
#: Additional: Vietnamese). Thai: ก–ฮ, the vowels that are letters (ฯ ะ า ำ เ–ๅ) and ๆ.
LETTER_CLASS = r"A-Za-z\xAA\xB5\xBA\xC0-\xD6\xD8-\xF6\xF8-\u024F\u1E00-\u1EFF\u0E01-\u0E30\u0E32\u0E33\u0E40-\u0E46"
