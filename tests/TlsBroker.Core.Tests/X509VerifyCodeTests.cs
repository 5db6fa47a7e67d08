using System.Text.RegularExpressions;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Tests;

[Trait("Category", "Unit")]
public sealed partial class X509VerifyCodeTests
{
    private const string OpenSslHeader = "/usr/include/openssl/x509_vfy.h";

    [Fact]
    public void Numbers_MatchOpenSslHeader_EveryConstant()
    {
        Assert.True(File.Exists(OpenSslHeader), $"{OpenSslHeader} is missing: install libssl-dev");
        var constants = HeaderConstant().Matches(File.ReadAllText(OpenSslHeader))
            .ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["value"].Value));

        var ours = Enum.GetValues<X509VerifyCode>().ToDictionary(X509VerifyCodeNames.OpenSslName, c => (int)c);

        Assert.Equal(constants.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
    }

    [GeneratedRegex(@"^#\s*define\s+(?<name>X509_V_(?:OK|ERR_\w+))\s+(?<value>\d+)\b", RegexOptions.Multiline)]
    private static partial Regex HeaderConstant();
}
