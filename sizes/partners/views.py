from django.shortcuts import render

from sizes.partners.models import Organisation


def organisations(request):
    return render(
        request, "partners/organisations.html", {"organisations": Organisation.objects.all()}
    )
