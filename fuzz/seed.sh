#!/usr/bin/env bash
# Seed fuzz/corpus/<target>/ from the repository's own test data (nothing is downloaded and
# nothing is committed: fuzz/corpus is git-ignored). Safe to re-run: existing corpus entries,
# including those the fuzzer added, are kept; seeds are named by content hash.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus

add() { # add TARGET FILE [PREFIX-BYTES-AS-PRINTF-FORMAT]
    local target=$1 file=$2 prefix=${3:-}
    local dir=$corpus/$target tmp
    mkdir -p "$dir"
    tmp=$(mktemp)
    { [ -n "$prefix" ] && printf "$prefix"; cat "$file"; } >"$tmp"
    mv "$tmp" "$dir/seed-$(sha1sum <"$tmp" | cut -c1-16)"
}

n=0
while IFS= read -r -d '' f; do
    add pipeline "$f"
    add frontmatter "$f"
    # convert_chunks reads two control bytes first (flags/first chunk size, second chunk size).
    case $((n % 4)) in
        0) add convert_chunks "$f" '\x00\x00' ;;   # 1-byte chunks
        1) add convert_chunks "$f" '\x1d\x06' ;;   # 8 and 7 bytes, Hexo-safe
        2) add convert_chunks "$f" '\xfe\xff' ;;   # 64 and 256 bytes, keep indents
        *) add convert_chunks "$f" '\x0c\x02' ;;   # 4 and 3 bytes
    esac
    n=$((n + 1))
done < <(find tests/corpus/source tests/fixtures -type f \( -name '*.md' -o -name '*.html' \) -print0 | sort -z)
while IFS= read -r -d '' f; do
    add rules "$f"
done < <(find rules tests -type f \( -name '*.yaml' -o -name '*.yml' \) -not -path 'tests/corpus/*' -print0 | sort -z)

# A few corpus posts in the other pipeline modes (first byte 0x01..0x08 selects one).
i=1
while IFS= read -r -d '' f; do
    add pipeline "$f" "\\x0$(( (i % 8) + 1 ))"
    i=$((i + 1))
    [ $i -le 16 ] || break
done < <(find tests/corpus/source -type f -name '*.md' -print0 | sort -z)

for t in pipeline rules frontmatter convert_chunks; do
    printf '%-15s %5d files %6s\n' "$t" "$(find "$corpus/$t" -type f | wc -l)" "$(du -sh "$corpus/$t" | cut -f1)"
done
