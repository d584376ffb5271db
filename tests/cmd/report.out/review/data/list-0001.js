postscrubReport.addPage(1, [
[1,"posts/kr/pmi.md","10月制造业PMI为49.2",[3,1,2],2,8],
[2,"posts/sina/seed.md","_2021对话山东—日本·山东产业合作交流会_系列活动正式启动",[9,8,5,10,0,7,11,6,4,1,2],14,60]
]);
