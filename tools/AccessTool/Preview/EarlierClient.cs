namespace Infra.Tool.Preview;

/// <summary>A client a stack had in an earlier version of its config and no longer has, from the stack's history.</summary>
/// <param name="Key">Its key.</param>
/// <param name="VaultName">The vault its Key Vault secret was in.</param>
/// <param name="SecretName">The name of that secret.</param>
/// <param name="Retained">Whether that vault retains removed secrets (its data plane is closed to the pipeline).</param>
/// <param name="RemovedIn">The commit (short id) whose config no longer has it.</param>
/// <param name="RemovedOn">That commit's day (UTC): the soft delete started no earlier.</param>
public sealed record EarlierClient(string Key, string VaultName, string SecretName, bool Retained, string RemovedIn, DateOnly RemovedOn);
