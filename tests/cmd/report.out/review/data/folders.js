postscrubReport.addFolders([
["posts",2],
["posts/kr",1],
["posts/sina",1]
]);
