//! postscrub: turn scraped-HTML posts into clean Markdown posts.
pub mod authoring;
pub mod body;
mod captions;
pub mod clean;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diff;
pub mod document;
mod editorial;
pub mod explain;
pub mod frontmatter;
pub mod markdown;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod run;
pub mod walk;
