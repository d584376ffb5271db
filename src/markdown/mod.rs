//! HTML → CommonMark + GFM conversion (placeholder until the streaming converter lands).
