using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The RFC 5280 profile checks of the <see cref="VerificationProfile.Strict"/> profile: the block OpenSSL 3
/// runs in check_extensions (crypto/x509/x509_vfy.c) under X509_V_FLAG_X509_STRICT (<c>-x509_strict</c>),
/// for every certificate of a path of more than one, after the CA check and before the purpose check,
/// in OpenSSL's order, so the first failure has OpenSSL's number and depth.
/// </summary>
internal static class StrictProfileRules
{
    /// <summary>An X.501 Name with no relative distinguished name: SEQUENCE {}.</summary>
    private static ReadOnlySpan<byte> EmptyName => [0x30, 0x00];

    public static VerifyOutcome? Check(CertificateFacts facts, int depth, int pathLength)
    {
        // RFC 6818 §2 (quoted by OpenSSL): a lone self-issued end-entity certificate is outside RFC 5280's profile.
        if (pathLength < 2)
        {
            return null;
        }

        var subject = facts.Subject.Length == 0 ? "(empty subject)" : facts.Subject;
        var isCa = facts.IsCertificateAuthority;
        var keyUsage = facts.KeyUsage ?? 0;

        // RFC 5280 §4.2.1.9: "CAs MUST NOT include the pathLenConstraint field unless the cA boolean is
        // asserted and the key usage extension asserts the keyCertSign bit."
        if (facts.PathLengthConstraint is not null)
        {
            if (!isCa)
            {
                return VerifyFailure.At(X509VerifyCode.PathlenInvalidForNonCa, depth, $"'{subject}' has a pathLenConstraint without basicConstraints cA TRUE");
            }

            if ((keyUsage & X509KeyUsageFlags.KeyCertSign) == 0)
            {
                return VerifyFailure.At(X509VerifyCode.PathlenWithoutKuKeyCertSign, depth, $"'{subject}' has a pathLenConstraint without keyUsage keyCertSign");
            }
        }

        // RFC 5280 §4.2.1.9: conforming CAs "MUST include this extension in all CA certificates ... and MUST mark it critical".
        if (isCa && facts.BasicConstraintsCritical == false)
        {
            return VerifyFailure.At(X509VerifyCode.CaBconsNotCritical, depth, $"the CA '{subject}' has a basicConstraints extension not marked critical");
        }

        // RFC 5280 §4.2.1.3: "Conforming CAs MUST include this extension in certificates that contain public keys
        // that are used to validate digital signatures on other public key certificates"; keyCertSign "MUST NOT be
        // asserted" unless the cA bit is.
        if (isCa && facts.KeyUsage is null)
        {
            return VerifyFailure.At(X509VerifyCode.CaCertMissingKeyUsage, depth, $"the CA '{subject}' has no keyUsage extension");
        }

        if (!isCa && (keyUsage & X509KeyUsageFlags.KeyCertSign) != 0)
        {
            return VerifyFailure.At(X509VerifyCode.KuKeyCertSignInvalidForNonCa, depth, $"'{subject}' asserts keyUsage keyCertSign without basicConstraints cA TRUE");
        }

        // RFC 5280 §4.1.2.4: "The issuer field MUST contain a non-empty distinguished name (DN)."
        if (facts.Certificate.IssuerName.RawData.AsSpan().SequenceEqual(EmptyName))
        {
            return VerifyFailure.At(X509VerifyCode.IssuerNameEmpty, depth, $"'{subject}' has an empty issuer name");
        }

        // RFC 5280 §4.1.2.6: a CA or CRL issuer's subject "MUST" be non-empty; an empty subject needs a
        // subjectAltName, and then "the subjectAltName extension MUST be marked critical" (§4.2.1.6).
        var emptySubject = facts.Certificate.SubjectName.RawData.AsSpan().SequenceEqual(EmptyName);
        if (emptySubject && (isCa || (keyUsage & X509KeyUsageFlags.CrlSign) != 0 || facts.SubjectAltNameCritical is null))
        {
            return VerifyFailure.At(X509VerifyCode.SubjectNameEmpty, depth, $"the certificate issued by '{facts.Certificate.Issuer}' has an empty subject name{(facts.SubjectAltNameCritical is null ? " and no subjectAltName" : string.Empty)}");
        }

        if (emptySubject && facts.SubjectAltNameCritical == false)
        {
            return VerifyFailure.At(X509VerifyCode.EmptySubjectSanNotCritical, depth, $"the certificate issued by '{facts.Certificate.Issuer}' has an empty subject name and a subjectAltName not marked critical");
        }

        // RFC 5280 §4.2.1.6: "If the subjectAltName extension is present, the sequence MUST contain at least one entry."
        if (facts.HasEmptySubjectAltName)
        {
            return VerifyFailure.At(X509VerifyCode.EmptySubjectAltName, depth, $"'{subject}' has a subjectAltName extension with no name");
        }

        // RFC 5280 §4.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier as the signature field in the sequence tbsCertificate".
        if (!SignatureAlgorithmsAgree(facts.Certificate))
        {
            return VerifyFailure.At(X509VerifyCode.SignatureAlgorithmInconsistency, depth, $"the signatureAlgorithm of '{subject}' differs from the signature field of its tbsCertificate");
        }

        // OpenSSL 3.0 also has X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL (90) and _SUBJECT_KEY_IDENTIFIER_CRITICAL (91)
        // here, but neither key identifier is among the extensions it processes (X509_supported_extension), so a
        // critical one has already ended verification with X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, as it has here.
        if (facts.Certificate.Version >= 3)
        {
            // RFC 5280 §4.2.1.1: "The keyIdentifier field of the authorityKeyIdentifier extension MUST be included in all
            // certificates generated by conforming CAs"; OpenSSL takes every certificate but the path's last as such.
            if (depth + 1 < pathLength && !facts.HasAuthorityKeyId)
            {
                return VerifyFailure.At(X509VerifyCode.MissingAuthorityKeyIdentifier, depth, $"'{subject}' has no authorityKeyIdentifier keyIdentifier");
            }

            // RFC 5280 §4.2.1.2: "this extension MUST appear in all conforming CA certificates".
            if (isCa && !facts.HasSubjectKeyIdentifier)
            {
                return VerifyFailure.At(X509VerifyCode.MissingSubjectKeyIdentifier, depth, $"the CA '{subject}' has no subjectKeyIdentifier extension");
            }
        }
        else if (facts.Certificate.Extensions.Count > 0)
        {
            // RFC 5280 §4.1.2.9: "This field MUST only appear if the version is 3."
            return VerifyFailure.At(X509VerifyCode.ExtensionsRequireVersion3, depth, $"'{subject}' is a version {facts.Certificate.Version} certificate with extensions");
        }

        return null;
    }

    private static bool SignatureAlgorithmsAgree(X509Certificate2 certificate)
    {
        try
        {
            // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
            // serialNumber, signature AlgorithmIdentifier, ... }, signatureAlgorithm, signatureValue }.
            var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
            var tbs = outer.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.ReadEncodedValue();
            }

            tbs.ReadEncodedValue();
            var inner = tbs.ReadEncodedValue();
            return inner.Span.SequenceEqual(outer.ReadEncodedValue().Span);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return false;
        }
    }
}
