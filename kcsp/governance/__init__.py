"""Information governance (issue 20): the retention schedule, legal holds, monthly disposal lists, the one
disposal service and its disposal records, and subject-access packages. Run by the data protection officer role
(kcsp.roles.DPO); the schedule is kept by the admin role too."""
