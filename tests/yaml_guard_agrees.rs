//! Differential test of the nesting guard against serde_yaml: texts that nest past 128 levels
//! in ways a naive bracket count gets wrong (quotes and comments holding brackets, plain
//! scalars holding quotes, lone CRs, tags, anchors, block entries), and whenever serde_yaml
//! refuses one for nesting ("recursion limit exceeded"), the guard must have refused it
//! first: a guard that undercounts would let a hostile file reach the parser's quadratic work.
//! Seeded xorshift, deterministic.

use postscrub::yaml_guard;

#[test]
fn guard_refuses_whatever_serde_yaml_finds_too_deep() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    // Block openers at the start, then flow openers; each adds one level.
    const BLOCK: &[&str] = &["- ", "a:\n", "? "];
    const FLOW: &[&str] = &[
        "[",
        "{a: ",
        "[x, ",
        "{\"k]\": ",
        "['q[', ",
        "[#c]]]\n",
        "[\r",
        "[a\"b, ",
        "&x [",
        "!t {a: ",
        "[ \"}\\\"]\", ",
        "{? k: ",
        "[{}, ",
        "[x, #]\n",
        "['it''s]', ",
    ];
    let (mut deep, mut cases) = (0, 0);
    for _ in 0..200 {
        let mut text = String::new();
        let mut indent = 0;
        for _ in 0..next(4) {
            match BLOCK[next(BLOCK.len())] {
                "a:\n" => {
                    text.push_str("a:\n");
                    indent += 2;
                    text.push_str(&" ".repeat(indent));
                }
                piece => {
                    text.push_str(piece);
                    indent += 2;
                }
            }
        }
        text.push_str("k: ");
        let mut closers = Vec::new();
        for _ in 0..120 + next(30) {
            let piece = FLOW[next(FLOW.len())];
            text.push_str(piece);
            let opener = piece.rfind(['[', '{']).map(|i| piece.as_bytes()[i]);
            let real = match piece {
                "{\"k]\": " | "!t {a: " | "{a: " | "{? k: " => b'}',
                _ if opener == Some(b'{') && !piece.starts_with('[') => b'}',
                _ => b']',
            };
            closers.push(real as char);
        }
        text.push(' ');
        text.extend(closers.iter().rev());
        text.push('\n');
        cases += 1;
        let parsed = serde_yaml::from_str::<serde_yaml::Value>(&text);
        if let Err(e) = parsed
            && e.to_string().contains("recursion limit")
        {
            deep += 1;
            assert!(
                yaml_guard::check(&text).is_err(),
                "serde_yaml: {e}; the guard let it through:\n{text:?}"
            );
        }
    }
    assert!(
        deep > cases / 4,
        "only {deep} of {cases} texts were too deep for serde_yaml"
    );
}
