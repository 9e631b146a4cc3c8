// PULUMI_CONFIG and Deployment.Instance are process-wide: two stack runs at once would read each other's config.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
