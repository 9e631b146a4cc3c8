namespace Infra.Tests.Support;

/// <summary>What a test can tell about an HTTP response from outside.</summary>
internal static class ResponseState
{
    /// <summary>Whether the response was disposed: its content can no longer be read.</summary>
    public static bool IsDisposed(HttpResponseMessage response)
    {
        try
        {
            response.Content.ReadAsStream().Dispose();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
