//! postscrub: turn scraped-HTML posts into clean Markdown posts.
pub mod markdown;
