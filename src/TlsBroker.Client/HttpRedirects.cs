using System.Net;

namespace TlsBroker.Client;

/// <summary>
/// The redirects <see cref="BrokerTlsHttpHandler"/> follows itself (its inner SocketsHttpHandler
/// cannot: it would open an <c>https://</c> target with its own TLS), by the rules SocketsHttpHandler applies.
/// </summary>
internal static class HttpRedirects
{
    /// <summary>Where <paramref name="response"/> sends <paramref name="request"/> next; null when it is not a redirect to follow.</summary>
    public static Uri? Target(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)
            || response.Headers.Location is not { } location
            || request.RequestUri is not { } current)
        {
            return null;
        }

        var target = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (target.Scheme is not ("https" or "http"))
        {
            return null;
        }

        // Never from https to http: the next request would leave TLS behind (SocketsHttpHandler refuses this too).
        return current.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp ? null : target;
    }

    /// <summary>Turns <paramref name="request"/> into the request for <paramref name="target"/>.</summary>
    public static void Apply(HttpRequestMessage request, Uri target, HttpStatusCode status)
    {
        // RFC 9110 §15.4.4: a 303 is followed with GET (HEAD stays HEAD); §15.4.2/§15.4.3: user agents
        // change POST to GET after 301 and 302, as browsers and SocketsHttpHandler do. 307 and 308 keep both.
        if ((status == HttpStatusCode.SeeOther && request.Method != HttpMethod.Head)
            || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && request.Method == HttpMethod.Post))
        {
            request.Method = HttpMethod.Get;
            request.Content = null;
            request.Headers.TransferEncodingChunked = false;
        }

        // Credentials meant for one origin do not go to another.
        if (Uri.Compare(request.RequestUri, target, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            request.Headers.Authorization = null;
        }

        request.RequestUri = target;
    }
}
