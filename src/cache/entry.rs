//! The bytes of one cache entry, and the checks that make a torn, truncated or foreign file read
//! as a miss instead of a wrong result.
//!
//! ```text
//! "postscrub-cache\x01"  16 bytes, the format
//! key                    32 bytes, the entry's own key (a file copied under another name misses)
//! payload length         8 bytes, little-endian
//! payload hash           32 bytes, BLAKE3 of the payload
//! payload                postcard (serde's compact binary form)
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Format 2: a postcard payload (format 1 was JSON, which took a tenth of a warm run to parse).
const MAGIC: &[u8; 16] = b"postscrub-cache\x02";
const HEADER: usize = 16 + 32 + 8 + 32;

/// Why an entry could not be used. Every one of them is a miss.
#[derive(Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Shorter than its header or its payload: a torn or truncated write.
    Truncated,
    /// Not a postscrub cache file, or another format version.
    Foreign,
    /// Written for another key (copied or renamed by hand).
    OtherKey,
    /// The payload does not hash to what the header says: corrupted.
    Corrupt,
    /// The payload does not parse as what is asked for.
    Shape,
}

pub fn encode<T: Serialize>(key: &[u8; 32], value: &T) -> Vec<u8> {
    // Serializing plain data into a Vec cannot fail.
    let payload = postcard::to_stdvec(value).unwrap_or_default();
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(blake3::hash(&payload).as_bytes());
    bytes.extend_from_slice(&payload);
    bytes
}

pub fn decode<T: DeserializeOwned>(key: &[u8; 32], bytes: &[u8]) -> Result<T, Unreadable> {
    if bytes.len() < HEADER {
        return Err(if MAGIC.starts_with(&bytes[..bytes.len().min(16)]) {
            Unreadable::Truncated
        } else {
            Unreadable::Foreign
        });
    }
    if &bytes[..16] != MAGIC {
        return Err(Unreadable::Foreign);
    }
    if &bytes[16..48] != key {
        return Err(Unreadable::OtherKey);
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[48..56]);
    let payload = &bytes[HEADER..];
    if u64::from_le_bytes(len) != payload.len() as u64 {
        return Err(Unreadable::Truncated);
    }
    if blake3::hash(payload).as_bytes() != &bytes[56..HEADER] {
        return Err(Unreadable::Corrupt);
    }
    // A payload must be read whole: bytes left over mean it was not written as this type.
    match postcard::take_from_bytes(payload) {
        Ok((value, [])) => Ok(value),
        _ => Err(Unreadable::Shape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn round_trip() {
        let bytes = encode(&KEY, &vec!["a".to_string(), "b".into()]);
        assert_eq!(
            decode::<Vec<String>>(&KEY, &bytes),
            Ok(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn every_damage_is_a_miss() {
        let bytes = encode(&KEY, &"payload".to_string());
        for cut in 0..bytes.len() {
            assert!(
                decode::<String>(&KEY, &bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x20;
            assert!(decode::<String>(&KEY, &bad).is_err(), "flip at {at}");
        }
        assert_eq!(
            decode::<String>(&[8; 32], &bytes),
            Err(Unreadable::OtherKey)
        );
        let mut longer = bytes.clone();
        longer.push(b' ');
        assert_eq!(decode::<String>(&KEY, &longer), Err(Unreadable::Truncated));
        assert_eq!(decode::<u32>(&KEY, &bytes), Err(Unreadable::Shape));
    }
}
