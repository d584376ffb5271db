//! postscrub: turn scraped-HTML posts into clean Markdown posts.
pub mod dates;
pub mod document;
pub mod frontmatter;
pub mod markdown;
pub mod clean;
pub mod rules;
pub mod body;
pub mod pipeline;
pub mod cli;
pub mod config;
pub mod diff;
pub mod walk;
pub mod report;
pub mod run;
