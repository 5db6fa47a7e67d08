using System.Text;

namespace TlsBroker.Core.Results;

/// <summary>Spells an <see cref="X509VerifyCode"/> the way OpenSSL's header does.</summary>
public static class X509VerifyCodeNames
{
    public static string OpenSslName(X509VerifyCode code)
    {
        if (code == X509VerifyCode.Ok)
        {
            return "X509_V_OK";
        }

        var pascal = code.ToString();
        var name = new StringBuilder("X509_V_ERR_", pascal.Length + 24);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                name.Append('_');
            }
            else if (i > 0 && char.IsDigit(pascal[i]) && !char.IsDigit(pascal[i - 1]))
            {
                name.Append('_');
            }

            name.Append(char.ToUpperInvariant(pascal[i]));
        }

        return name.ToString();
    }
}
